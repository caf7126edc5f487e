{%- set attributes = ['gender', 'device_type', 'login_type'] -%}

with

order_lines as (
    select * from {{ ref('int_order_lines_keyed') }}
),

-- Each attribute is the latest value the customer's lines give for it: lines ordered most
-- recent first (day, time with empty times oldest, then file position), nulls skipped.
final as (
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
    from order_lines
    group by customer_id
)

select * from final
