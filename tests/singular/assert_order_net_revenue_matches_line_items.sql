-- Every order's net revenue equals the sum over its line items, and no line item is left without
-- its order: returns the orders (or orphan line items) where the two facts disagree.
with

orders as (
    select * from {{ ref('fct_orders') }}
),

order_items as (
    select * from {{ ref('fct_order_items') }}
),

line_item_revenue as (
    select
        order_key,
        sum(net_revenue) as net_revenue
    from order_items
    group by order_key
),

compared as (
    select
        coalesce(orders.order_key, line_item_revenue.order_key) as order_key,
        orders.net_revenue as order_net_revenue,
        coalesce(line_item_revenue.net_revenue, 0) as line_item_net_revenue
    from orders
    full outer join line_item_revenue
        on orders.order_key = line_item_revenue.order_key
)

select *
from compared
where
    order_net_revenue is null
    or order_net_revenue != line_item_net_revenue
