{#-
    surrogate_key(expressions): the deterministic surrogate key of a natural key.

    The key is md5 (32 lowercase hex characters) of the text form of a PostgreSQL text array
    holding each part cast to text: md5('{A,B}') for the parts 'A' and 'B'. The array text form
    quotes any part holding a separator, a quote, a brace or spaces, and writes a null part as an
    unquoted NULL, so two different natural keys never produce the same text: ('a,b', 'c') and
    ('a', 'b,c') differ, and so do null and the string 'NULL'. The same parts give the same key on
    every build and on every server.

    Parts must have one text form in every session: integers and text do; dates and times do not
    (their cast to text follows DateStyle), so pass them through to_char first.

    Example: {{ surrogate_key(['product_category', 'product_name']) }}
-#}
{% macro surrogate_key(expressions) -%}
    {%- set parts = [] -%}
    {%- for expression in expressions -%}
        {%- do parts.append('cast(' ~ expression ~ ' as text)') -%}
    {%- endfor -%}
    md5(cast(array[{{ parts | join(', ') }}] as text))
{%- endmacro %}


{#-
    order_key_of_id(expression): the natural identity of an order known by its Order_Id, as text:
    'order_id=' followed by the id. Every feed that names an order (order lines, payments,
    carts, reviews, stock movements) builds the order's key with this macro, so
    surrogate_key([order_key_of_id(...)]) gives the same order_sk everywhere: the bigint 441 of
    payments.csv and the trimmed text '441' of the export are one order.
-#}
{% macro order_key_of_id(expression) -%}
    'order_id=' || cast({{ expression }} as text)
{%- endmacro %}


{#- order_sk_of_id(expression): the surrogate key of the order with that Order_Id. -#}
{% macro order_sk_of_id(expression) -%}
    {{ surrogate_key([order_key_of_id(expression)]) }}
{%- endmacro %}
