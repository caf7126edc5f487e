-- Every order line of a cataloged product finds exactly one product version valid at its order
-- time (order_date + order_time, midnight when empty): not zero (sold before the product's first
-- version), not two (overlapping versions). Lines of products the catalog does not list (the
-- public export) have no version and are not checked. Returns the offending lines with the
-- number of versions found. On an incremental build, the lines it added.
with

order_lines as (
    select *
    from {{ ref('order_lines') }}
    where {{ latest_build_condition(ref('order_lines')) }}
),

product_history as not materialized (
    select * from {{ ref('product_history') }}
),

cataloged_lines as (
    select order_lines.*
    from order_lines
    where exists (
        select 1 as found
        from product_history
        where product_history.product_sk = order_lines.product_sk
    )
),

matches as (
    select
        cataloged_lines.order_line_sk,
        cataloged_lines.product_sk,
        cataloged_lines.order_date,
        cataloged_lines.order_time,
        count(product_history.product_version_sk) as versions_found
    from cataloged_lines
    left join product_history
        on
            cataloged_lines.product_sk = product_history.product_sk
            and cataloged_lines.order_date + coalesce(cataloged_lines.order_time, time '00:00')
            >= product_history.valid_from
            and (
                cataloged_lines.order_date + coalesce(cataloged_lines.order_time, time '00:00')
                < product_history.valid_to
                or product_history.valid_to is null
            )
    group by
        cataloged_lines.order_line_sk,
        cataloged_lines.product_sk,
        cataloged_lines.order_date,
        cataloged_lines.order_time
),

final as (
    select *
    from matches
    where versions_found != 1
)

select * from final
