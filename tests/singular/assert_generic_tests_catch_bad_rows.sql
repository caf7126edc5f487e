-- Our generic tests find exactly the bad rows of small fixtures: a test that cannot fail
-- proves nothing. Returns each generic test whose failure count differs from the expected.
with

range_failures as (
    {{ test_accepted_range(
        model='(values (-1), (0), (0.5), (1), (2), (null)) as fixture (x)',
        column_name='x', min_value=0, max_value=1,
    ) }}
),

exclusive_range_failures as (
    {{ test_accepted_range(
        model='(values (0), (0.5), (1)) as fixture (x)',
        column_name='x', min_value=0, max_value=1, inclusive=false,
    ) }}
),

combination_failures as (
    {{ test_unique_combination_of_columns(
        model="(values (1, 'x'), (1, 'y'), (2, 'x'), (1, 'x'), (3, null), (3, null))"
        ~ " as fixture (a, b)",
        combination_of_columns=['a', 'b'],
    ) }}
),

-- dbt's unique as this project implements it (macros/enforced_constraints.sql): a fixture has
-- no unique index, so it is scanned
unique_failures as (
    {{ postgres__test_unique(
        model='(values (1), (1), (2), (null), (null)) as fixture (x)', column_name='x',
    ) }}
),

checks as (
    select
        'accepted_range' as generic_test,
        count(*) as failures,
        2 as expected_failures
    from range_failures
    union all
    select
        'accepted_range, exclusive' as generic_test,
        count(*) as failures,
        2 as expected_failures
    from exclusive_range_failures
    union all
    select
        'unique_combination_of_columns' as generic_test,
        count(*) as failures,
        2 as expected_failures
    from combination_failures
    union all
    select
        'unique' as generic_test,
        count(*) as failures,
        1 as expected_failures
    from unique_failures
)

select *
from checks
where failures != expected_failures
