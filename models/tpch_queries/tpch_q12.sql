-- Q12 shipping modes and order priority: late lines received in 1994 by mail or ship, counted for
-- high and for low priority orders.
with

orders as (
    select * from {{ ref('stg_tpch__orders') }}
),

line_items as (
    select * from {{ ref('stg_tpch__line_items') }}
),

final as (
    select
        line_items.ship_mode,
        count_if(orders.order_priority in ('1-URGENT', '2-HIGH')) as high_line_count,
        count_if(orders.order_priority not in ('1-URGENT', '2-HIGH')) as low_line_count
    from orders
    inner join line_items
        on orders.order_key = line_items.order_key
    where
        line_items.ship_mode in ('MAIL', 'SHIP')
        and line_items.commit_date < line_items.receipt_date
        and line_items.ship_date < line_items.commit_date
        and line_items.receipt_date >= date '1994-01-01'
        and line_items.receipt_date < add_months(date '1994-01-01', 12)
    group by line_items.ship_mode
)

select * from final
