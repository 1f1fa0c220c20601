-- Q13 customer distribution: how many customers placed how many orders (orders whose comment
-- mentions special requests left out).
with

customers as (
    select * from {{ ref('stg_tpch__customers') }}
),

orders as (
    select * from {{ ref('stg_tpch__orders') }}
),

orders_per_customer as (
    select
        customers.customer_key,
        count(orders.order_key) as order_count
    from customers
    left join orders
        on
            customers.customer_key = orders.customer_key
            and orders.order_comment not like '%special%requests%'
    group by customers.customer_key
),

final as (
    select
        order_count,
        count(*) as customer_count
    from orders_per_customer
    group by order_count
)

select * from final
