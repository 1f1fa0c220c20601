-- Q17 small-quantity-order revenue: average yearly revenue lost if small orders (under 20 % of the
-- part's average quantity) of one brand and container were no longer taken.
with

line_items as (
    select * from {{ ref('stg_tpch__line_items') }}
),

parts as (
    select * from {{ ref('stg_tpch__parts') }}
),

average_quantity as (
    select
        part_key,
        0.2 * avg(quantity) as small_quantity
    from line_items
    group by part_key
),

final as (
    select sum(line_items.extended_price) / 7.0 as avg_yearly
    from line_items
    inner join parts
        on line_items.part_key = parts.part_key
    inner join average_quantity
        on line_items.part_key = average_quantity.part_key
    where
        parts.brand = 'Brand#23'
        and parts.container = 'MED BOX'
        and line_items.quantity < average_quantity.small_quantity
)

select * from final
