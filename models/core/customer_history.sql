{#- One version per customer and moment: the unique index enforces it on every row (the data
    test on these columns is then answered from the catalog, macros/enforced_constraints.sql)
    and serves the lookups by customer. -#}
{{
    config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key='customer_id',
        indexes=[
            {'columns': ['customer_id', 'valid_from'], 'unique': True},
            {'columns': ['batch_id']},
            {'columns': ['built_at']},
        ],
    )
}}

with

-- Rule 1 (macros/incremental.sql): the customers of batches not processed yet get all their
-- versions rebuilt (macros/history.sql), so the previous current version is closed by the new
-- one whatever the order the batches arrived in.
versions as (
    {{ versions_of_changed_keys(ref('stg_shop__customers'), 'customer_id', 'customers') }}
),

-- A version is valid from its updated_at until the next version's (exclusive); the last one
-- is current and open-ended.
final as (
    select
        -- ids
        {{ surrogate_key([
            'customer_id', "to_char(updated_at, 'YYYY-MM-DD HH24:MI:SS.US')"
        ]) }} as customer_version_sk,
        customer_id,

        -- dimensions
        first_name,
        last_name,
        email,
        gender,
        country,
        region,
        city,
        is_marketing_opt_in,
        lead(updated_at) over customer_versions is null as is_current,

        -- dates and times
        signed_up_at,
        updated_at as valid_from,
        lead(updated_at) over customer_versions as valid_to,

        -- metadata
        batch_id,
        line_number,
        loaded_at,
        {{ build_timestamp() }} as built_at
    from versions
    window customer_versions as (partition by customer_id order by updated_at)
)

select * from final
