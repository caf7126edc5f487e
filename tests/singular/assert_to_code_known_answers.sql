-- to_code turns the export's labels into the documented codes, by its fast path (a label that is
-- already words joined by single underscores) and by its general rule. Returns the failing cases.
with

cases as (
    select
        label,
        expected,
        {{ to_code('label') }} as actual
    from (
        values
        ('First SignUp', 'first_signup'),
        ('Member', 'member'),
        ('Critical', 'critical'),
        ('credit_card', 'credit_card'),
        ('e_wallet', 'e_wallet'),
        ('  Mobile  ', 'mobile'),
        ('Not-Defined!', 'not_defined'),
        ('A_B', 'a_b'),
        ('Top10', 'top10'),
        ('a__b', 'a_b'),
        ('_a', 'a'),
        ('a_', 'a'),
        ('_', null),
        ('Café', 'caf'),
        ('', null),
        ('--', null),
        (null, null)
    ) as fixture (label, expected)
)

select *
from cases
where actual is distinct from expected
