-- Q18 large volume customer: the 100 largest orders (over 300 units) and their customers.
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

large_orders as (
    select order_key
    from line_items
    group by order_key
    having sum(quantity) > 300
),

final as (
    select
        customers.customer_name,
        customers.customer_key,
        orders.order_key,
        orders.order_date,
        orders.total_price,
        sum(line_items.quantity) as total_quantity
    from customers
    inner join orders
        on customers.customer_key = orders.customer_key
    inner join line_items
        on orders.order_key = line_items.order_key
    left semi join large_orders
        on orders.order_key = large_orders.order_key
    group by
        customers.customer_name,
        customers.customer_key,
        orders.order_key,
        orders.order_date,
        orders.total_price
    order by orders.total_price desc, orders.order_date asc
    limit 100
)

select * from final
