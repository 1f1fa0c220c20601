with

source as (
    select * from {{ source('tpch', 'partsupp') }}
    where not {{ breaks_rejection_rules('partsupp') }} and {{ in_latest_extract('partsupp') }}
),

renamed as (
    select
        ps_partkey as part_key,
        ps_suppkey as supplier_key,
        ps_availqty as available_quantity,
        ps_supplycost as supply_cost,
        trim(ps_comment) as part_supplier_comment,
        {{ extracted_at() }}
    from source
)

select * from renamed
