{{
    config(
        materialized='incremental',
        incremental_strategy='merge',
        unique_key='customer_id',
    )
}}

{%- set attributes = ['gender', 'device_type', 'login_type'] -%}

with

order_lines as not materialized (
    select * from {{ ref('int_order_lines_keyed') }}
),

customer_history as not materialized (
    select * from {{ ref('customer_history') }}
),

-- Rule 2 (macros/incremental.sql): customers with lines or registry versions written since this
-- table's latest build get their whole row recomputed (merged in place: other tables' foreign
-- keys point here). A full build takes every customer.
affected as (
    select order_lines.customer_id
    from order_lines
    where {{ built_since_last_build('order_lines.built_at') }}
    union
    select customer_history.customer_id
    from customer_history
    where {{ built_since_last_build('customer_history.built_at') }}
),

affected_lines as (
    select order_lines.*
    from order_lines
    {%- if is_incremental() %}
        where order_lines.customer_id in (select affected.customer_id from affected)
    {%- endif %}
),

-- Each attribute is the latest value the customer's lines give for it: lines ordered most
-- recent first (day, time with empty times oldest, then file position), nulls skipped.
from_lines as (
    select
        customer_id,
        {%- for attribute in attributes %}
            (
                array_agg(
                    {{ attribute }}
                    order by
                        order_date desc,
                        order_time desc nulls last,
                        batch_id desc,
                        line_number desc
                ) filter (where {{ attribute }} is not null)
            )[1] as {{ attribute }},
        {%- endfor %}
        min(order_date) as first_order_date,
        max(order_date) as last_order_date
    from affected_lines
    group by customer_id
),

-- the registry's current version of every affected registered customer
registry as (
    select customer_history.*
    from customer_history
    where
        customer_history.is_current
        {%- if is_incremental() %}
            and customer_history.customer_id in (
                select affected.customer_id from affected
            )
        {%- endif %}
),

final as (
    select
        -- ids
        coalesce(from_lines.customer_id, registry.customer_id) as customer_id,

        -- dimensions (the export's first, then the registry's)
        coalesce(from_lines.gender, registry.gender) as gender,
        from_lines.device_type,
        from_lines.login_type,

        -- dates
        from_lines.first_order_date,
        from_lines.last_order_date,

        -- registry
        registry.first_name,
        registry.last_name,
        registry.email,
        registry.country,
        registry.region,
        registry.city,
        registry.is_marketing_opt_in,
        registry.customer_id is not null as is_registered,
        registry.signed_up_at,
        registry.valid_from as registry_updated_at,

        -- metadata
        {{ build_timestamp() }} as built_at
    from from_lines
    full outer join registry on from_lines.customer_id = registry.customer_id
)

select * from final
