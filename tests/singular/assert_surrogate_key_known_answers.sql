-- surrogate_key gives known md5 values (computed outside the database from the documented
-- text form) and keeps apart keys a naive concatenation would merge. Returns the failing cases.
with

cases as (
    select
        case_name,
        actual,
        expected
    from (
        values
        (
            'two text parts',
            {{ surrogate_key(["'A'", "'B'"]) }},
            '595e32be3cc82840aa0221fea38399a9'
        ),
        (
            'integers',
            {{ surrogate_key(['2', '17']) }},
            '39add94ad102a781e1c5a6ba1497032b'
        ),
        (
            'a null part',
            {{ surrogate_key(['1', 'null']) }},
            '8157772fa996ced8709094ce375a8d9c'
        ),
        (
            'a separator inside the first part',
            {{ surrogate_key(["'a,b'", "'c'"]) }},
            '1ac5c42eeb8bed475de2d10d0d1d003b'
        ),
        (
            'a separator inside the second part',
            {{ surrogate_key(["'a'", "'b,c'"]) }},
            '4a29e9ef960de355df9b6f8651110e99'
        ),
        (
            'null',
            {{ surrogate_key(['null']) }},
            '2ce772d1014242672600e27e12af958e'
        ),
        (
            'the string NULL',
            {{ surrogate_key(["'NULL'"]) }},
            'cb6eeee141757177b11c9606c30cc9a6'
        )
    ) as fixture (case_name, actual, expected)
)

select *
from cases
where actual is distinct from expected
