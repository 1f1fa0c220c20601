-- Q21 suppliers who kept orders waiting: Saudi suppliers that were the only late supplier of a
-- finished multi-supplier order (the 100 with most such lines).
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

nations as (
    select * from {{ ref('stg_tpch__nations') }}
),

suppliers_per_order as (
    select
        order_key,
        count(distinct supplier_key) as supplier_count,
        count(distinct case when receipt_date > commit_date then supplier_key end)
            as late_supplier_count
    from line_items
    group by order_key
),

final as (
    select
        suppliers.supplier_name,
        count(*) as lines_waiting
    from suppliers
    inner join line_items
        on suppliers.supplier_key = line_items.supplier_key
    inner join orders
        on line_items.order_key = orders.order_key
    inner join suppliers_per_order
        on line_items.order_key = suppliers_per_order.order_key
    inner join nations
        on suppliers.nation_key = nations.nation_key
    where
        orders.order_status = 'F'
        and line_items.receipt_date > line_items.commit_date
        and suppliers_per_order.supplier_count > 1
        and suppliers_per_order.late_supplier_count = 1
        and nations.nation_name = 'SAUDI ARABIA'
    group by suppliers.supplier_name
    order by lines_waiting desc, suppliers.supplier_name asc
    limit 100
)

select * from final
