{{
    config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key='customer_id',
        indexes=[
            {'columns': ['customer_id']},
            {'columns': ['batch_id']},
            {'columns': ['built_at']},
        ],
    )
}}

with

customers as not materialized (
    select * from {{ ref('stg_shop__customers') }}
),

load_batches as (
    select * from {{ ref('stg_loader__load_batches') }}
),

-- Rule 1 (macros/incremental.sql): the customers of registry batches not processed yet get
-- all their versions rebuilt, so the previous current version is closed by the new one
-- whatever the order the batches arrived in.
changed_customers as (
    select distinct customers.customer_id
    from customers
    where customers.batch_id in ({{ unprocessed_batches('customers') }})
),

registry_rows as (
    select customers.*
    from customers
    inner join changed_customers on customers.customer_id = changed_customers.customer_id
    inner join load_batches on customers.batch_id = load_batches.batch_id
    where load_batches.status = 'loaded'
),

-- One version per customer and effective time: a row sent again later (same customer_id,
-- same updated_at) replaces the earlier one, the latest batch and line winning.
deduplicated as (
    select distinct on (customer_id, updated_at) *
    from registry_rows
    order by customer_id asc, updated_at asc, batch_id desc, line_number desc
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
    from deduplicated
    window customer_versions as (partition by customer_id order by updated_at)
)

select * from final
