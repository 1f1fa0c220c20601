-- Q6 forecasting revenue change: revenue a discount band of 1994 brought in on small quantities.
with

line_items as (
    select * from {{ ref('stg_tpch__line_items') }}
),

final as (
    select sum(extended_price * discount_rate) as revenue
    from line_items
    where
        ship_date >= date '1994-01-01'
        and ship_date < add_months(date '1994-01-01', 12)
        and discount_rate between 0.05 and 0.07
        and quantity < 24
)

select * from final
