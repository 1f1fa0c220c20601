with

suppliers as (
    select * from {{ ref('stg_tpch__suppliers') }}
),

nations as (
    select * from {{ ref('int_nations__enriched') }}
),

final as (
    select
        suppliers.supplier_key,
        suppliers.supplier_name,
        suppliers.nation_key,
        nations.nation_name,
        nations.iso_alpha2 as nation_iso_code,
        nations.region_name,
        suppliers.phone_number,
        suppliers.account_balance
    from suppliers
    left join nations
        on suppliers.nation_key = nations.nation_key
)

select * from final
