{{ config(**kept_by_month()) }}

with

-- On the daily feed an incremental run reads the landing partitions of the months it rebuilds.
line_items as (
    select * from {{ ref('stg_tpch__line_items') }}
    {{ incremental_month_filter(landed=true) }}
),

orders as (
    select * from {{ ref('stg_tpch__orders') }}
    {{ incremental_month_filter('order_date', landed=true) }}
),

-- Each supply cost with the days it held (from the extracts, part_suppliers_snapshot): a line
-- item costs what its offer cost on the order date, so a month once built keeps its costs.
part_supplier_costs as (
    select
        part_key,
        supplier_key,
        supply_cost,
        {{ version_validity(['part_key', 'supplier_key']) }}
    from {{ ref('part_suppliers_snapshot') }}
),

ship_modes as (
    select * from {{ ref('ship_modes') }}
),

-- A line item joins with its order, whose month is its partition: one that lands before its order
-- joins on the run that loads the order (within the lookback); until then the relationships test on
-- staging and assert_row_counts_preserved_across_layers name it. A line item with no matching offer
-- or ship mode is kept, with nulls (and caught by the relationships tests).
joined as (
    select
        line_items.order_key,
        line_items.line_number,
        orders.customer_key,
        line_items.part_key,
        line_items.supplier_key,
        orders.order_date,
        line_items.ship_date,
        line_items.commit_date,
        line_items.receipt_date,
        line_items.ship_mode,
        line_items.return_flag,
        line_items.line_status,
        line_items.quantity,
        line_items.extended_price,
        line_items.discount_rate,
        line_items.tax_rate,
        part_supplier_costs.supply_cost as unit_supply_cost,
        ship_modes.sla_days as carrier_sla_days
    from line_items
    inner join orders
        on line_items.order_key = orders.order_key
    left join part_supplier_costs
        on
            line_items.part_key = part_supplier_costs.part_key
            and line_items.supplier_key = part_supplier_costs.supplier_key
            and {{ held_on('part_supplier_costs', 'orders.order_date') }}
    left join ship_modes
        on line_items.ship_mode = ship_modes.ship_mode
),

final as (
    select
        order_key,
        line_number,
        customer_key,
        part_key,
        supplier_key,
        order_date,
        cast(trunc(order_date, 'MM') as date) as order_month,
        ship_date,
        commit_date,
        receipt_date,
        ship_mode,
        return_flag,
        line_status,
        quantity,
        discount_rate,
        tax_rate,
        cast(extended_price as decimal(18, 4)) as gross_revenue,
        cast(extended_price * (1 - discount_rate) as decimal(18, 4)) as net_revenue,
        cast(quantity * unit_supply_cost as decimal(18, 4)) as supply_cost,
        cast(
            extended_price * (1 - discount_rate) - quantity * unit_supply_cost as decimal(18, 4)
        ) as gross_margin,
        datediff(ship_date, order_date) as ship_delay_days,
        datediff(receipt_date, commit_date) as commit_delay_days,
        datediff(receipt_date, ship_date) as transit_days,
        receipt_date > commit_date as is_late,
        datediff(receipt_date, ship_date) <= carrier_sla_days as is_within_carrier_sla
    from joined
)

select * from final
