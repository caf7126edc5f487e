-- EXPLAIN ANALYZE of a representative BI drill-down (one customer's order lines by day) with
-- and without the index on core.order_lines.customer_id (a core foreign key, indexed through
-- the model's `indexes` config). Run the compiled file with psql:
--   dbt compile -s explain_order_lines_by_customer --vars '{explain_customer_id: 37077}'
--   psql -f target/compiled/storefront/analyses/explain_order_lines_by_customer.sql
-- The second plan runs with index scans disabled, inside a transaction rolled back at the end,
-- so nothing changes. The README reports both figures at 1,000,000 order lines.
{%- set lookup %}
select
    order_lines.order_date,
    count(*) as line_count,
    sum(order_lines.sales) as revenue
from {{ ref('order_lines') }} as order_lines
where order_lines.customer_id = {{ var('explain_customer_id', 1) }}
group by order_lines.order_date
order by order_lines.order_date
{%- endset %}

begin;

-- with the index
explain (analyze, buffers) {{ lookup }};

-- without it: the planner may use neither index scans nor bitmap scans
set local enable_indexscan = off;
set local enable_bitmapscan = off;

explain (analyze, buffers) {{ lookup }};

rollback;
