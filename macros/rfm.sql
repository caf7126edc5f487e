{#-
    rfm_segment(recency_score, frequency_score): the named RFM segment of a customer from the
    recency and frequency scores (1-5, 5 best), the first rule that matches:

        champions        recency >= 4 and frequency >= 4   bought recently, buy often
        loyal            recency >= 3 and frequency >= 3   buy often, still active
        new_customers    recency >= 4 (frequency <= 2)     bought recently, seldom so far
        needs_attention  recency = 3 (frequency <= 2)      fading after few orders
        at_risk          frequency >= 3 (recency <= 2)     used to buy often, not lately
        hibernating      everyone else                     few orders, long ago

    Every pair of scores falls in exactly one segment. Proven by the unit test
    customer_rfm_scores_and_segments.
-#}
{% macro rfm_segment(recency_score, frequency_score) -%}
    case
        when {{ recency_score }} >= 4 and {{ frequency_score }} >= 4 then 'champions'
        when {{ recency_score }} >= 3 and {{ frequency_score }} >= 3 then 'loyal'
        when {{ recency_score }} >= 4 then 'new_customers'
        when {{ recency_score }} = 3 then 'needs_attention'
        when {{ frequency_score }} >= 3 then 'at_risk'
        else 'hibernating'
    end
{%- endmacro %}


{#-
    quintile_score(at_or_below, total): 1-5, ceil(5 × at_or_below / total) in integer arithmetic
    ((5 × at_or_below + total - 1) / total): the customers at or below a value, as a share of all,
    in fifths rounded up. The top fifth scores 5, the bottom fifth 1; a share of exactly 2/5
    scores 2.
-#}
{% macro quintile_score(at_or_below, total) -%}
    cast((5 * {{ at_or_below }} + {{ total }} - 1) / {{ total }} as integer)
{%- endmacro %}
