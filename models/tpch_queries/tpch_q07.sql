-- Q7 volume shipping: revenue shipped between France and Germany, both ways, per year 1995-1996.
with

suppliers as (
    select * from {{ ref('stg_tpch__suppliers') }}
),

line_items as (
    select * from {{ ref('stg_tpch__line_items') }}
),

orders as (
    select * from {{ ref('stg_tpch__orders') }}
),

customers as (
    select * from {{ ref('stg_tpch__customers') }}
),

nations as (
    select * from {{ ref('stg_tpch__nations') }}
),

shipping as (
    select
        supplier_nations.nation_name as supp_nation,
        customer_nations.nation_name as cust_nation,
        year(line_items.ship_date) as l_year,
        line_items.extended_price * (1 - line_items.discount_rate) as volume
    from suppliers
    inner join line_items
        on suppliers.supplier_key = line_items.supplier_key
    inner join orders
        on line_items.order_key = orders.order_key
    inner join customers
        on orders.customer_key = customers.customer_key
    inner join nations as supplier_nations
        on suppliers.nation_key = supplier_nations.nation_key
    inner join nations as customer_nations
        on customers.nation_key = customer_nations.nation_key
    where
        line_items.ship_date between date '1995-01-01' and date '1996-12-31'
        and (
            (
                supplier_nations.nation_name = 'FRANCE'
                and customer_nations.nation_name = 'GERMANY'
            )
            or (
                supplier_nations.nation_name = 'GERMANY'
                and customer_nations.nation_name = 'FRANCE'
            )
        )
),

final as (
    select
        supp_nation,
        cust_nation,
        l_year,
        sum(volume) as revenue
    from shipping
    group by supp_nation, cust_nation, l_year
)

select * from final
