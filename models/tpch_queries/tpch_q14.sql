-- Q14 promotion effect: share of September 1995 revenue from promotional parts, in percent.
with

line_items as (
    select * from {{ ref('stg_tpch__line_items') }}
),

parts as (
    select * from {{ ref('stg_tpch__parts') }}
),

final as (
    select
        100.00 * sum(
            case
                when parts.part_type like 'PROMO%'
                    then line_items.extended_price * (1 - line_items.discount_rate)
                else 0
            end
        ) / sum(line_items.extended_price * (1 - line_items.discount_rate)) as promo_revenue
    from line_items
    inner join parts
        on line_items.part_key = parts.part_key
    where
        line_items.ship_date >= date '1995-09-01'
        and line_items.ship_date < add_months(date '1995-09-01', 1)
)

select * from final
