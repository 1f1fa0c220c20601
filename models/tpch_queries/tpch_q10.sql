-- Q10 returned item reporting: the 20 customers whose returned items of 1993-Q4 lost the most
-- revenue.
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

nations as (
    select * from {{ ref('stg_tpch__nations') }}
),

final as (
    select
        customers.customer_key,
        customers.customer_name,
        sum(line_items.extended_price * (1 - line_items.discount_rate)) as revenue,
        customers.account_balance,
        nations.nation_name,
        customers.customer_address,
        customers.phone_number,
        customers.customer_comment
    from customers
    inner join orders
        on customers.customer_key = orders.customer_key
    inner join line_items
        on orders.order_key = line_items.order_key
    inner join nations
        on customers.nation_key = nations.nation_key
    where
        orders.order_date >= date '1993-10-01'
        and orders.order_date < add_months(date '1993-10-01', 3)
        and line_items.return_flag = 'R'
    group by
        customers.customer_key,
        customers.customer_name,
        customers.account_balance,
        customers.phone_number,
        nations.nation_name,
        customers.customer_address,
        customers.customer_comment
    order by revenue desc
    limit 20
)

select * from final
