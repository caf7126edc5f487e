-- to_code turns the export's labels into the documented codes. Returns the failing cases.
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
        ('', null),
        ('--', null),
        (null, null)
    ) as fixture (label, expected)
)

select *
from cases
where actual is distinct from expected
