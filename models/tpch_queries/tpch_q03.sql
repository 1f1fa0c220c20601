-- Q3 shipping priority: the 10 unshipped orders of the BUILDING segment with the highest revenue as
-- of 1995-03-15.
with

customers as (
    select * from {{ ref('stg_tpch__customers') }}
),

orders as (
    select * from {{ ref('stg_tpch__orders') }}
),

line_items as (
    select * from {{ ref('stg_tpch__line_items') }}
),

final as (
    select
        line_items.order_key,
        sum(line_items.extended_price * (1 - line_items.discount_rate)) as revenue,
        orders.order_date,
        orders.ship_priority
    from customers
    inner join orders
        on customers.customer_key = orders.customer_key
    inner join line_items
        on orders.order_key = line_items.order_key
    where
        customers.market_segment = 'BUILDING'
        and orders.order_date < date '1995-03-15'
        and line_items.ship_date > date '1995-03-15'
    group by line_items.order_key, orders.order_date, orders.ship_priority
    order by revenue desc, orders.order_date asc
    limit 10
)

select * from final
