-- One row: when the warehouse was last built. Rebuilt by every `dbt build` (a table), so the
-- API derives its ETag and /health from one cheap read.
with

final as (
    select {{ build_timestamp() }} as built_at
)

select * from final
