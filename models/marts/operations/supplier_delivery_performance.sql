with

monthly_deliveries as (
    select * from {{ ref('int_supplier_deliveries__monthly') }}
),

suppliers as (
    select * from {{ ref('dim_supplier') }}
),

-- The months added up: exact for counts, sums and maxima, and for averages as sums over counts.
per_supplier as (
    select
        supplier_key,
        sum(line_item_count) as line_item_count,
        sum(late_line_item_count) as late_line_item_count,
        sum(within_carrier_sla_count) as within_carrier_sla_count,
        sum(ship_delay_days_sum) / sum(ship_delay_days_count) as avg_ship_delay_days,
        sum(transit_days_sum) / sum(transit_days_count) as avg_transit_days,
        max(max_commit_delay_days) as max_commit_delay_days,
        sum(net_revenue) as net_revenue
    from monthly_deliveries
    group by supplier_key
),

final as (
    select
        suppliers.supplier_key,
        suppliers.supplier_name,
        suppliers.nation_name,
        suppliers.region_name,
        coalesce(per_supplier.line_item_count, 0) as line_item_count,
        coalesce(per_supplier.late_line_item_count, 0) as late_line_item_count,
        cast(
            per_supplier.late_line_item_count / per_supplier.line_item_count as decimal(5, 4)
        ) as late_rate,
        cast(
            per_supplier.within_carrier_sla_count / per_supplier.line_item_count as decimal(5, 4)
        ) as within_carrier_sla_rate,
        cast(per_supplier.avg_ship_delay_days as decimal(8, 2)) as avg_ship_delay_days,
        cast(per_supplier.avg_transit_days as decimal(8, 2)) as avg_transit_days,
        per_supplier.max_commit_delay_days,
        cast(coalesce(per_supplier.net_revenue, 0) as decimal(22, 4)) as net_revenue
    from suppliers
    left join per_supplier
        on suppliers.supplier_key = per_supplier.supplier_key
)

select * from final
