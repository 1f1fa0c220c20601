with

source as (
    select * from {{ source('tpch', 'lineitem') }}
    where not {{ breaks_rejection_rules('lineitem') }}
),

renamed as (
    select
        l_orderkey as order_key,
        l_linenumber as line_number,
        l_partkey as part_key,
        l_suppkey as supplier_key,
        l_quantity as quantity,
        l_extendedprice as extended_price,
        l_discount as discount_rate,
        l_tax as tax_rate,
        trim(l_returnflag) as return_flag,
        trim(l_linestatus) as line_status,
        l_shipdate as ship_date,
        l_commitdate as commit_date,
        l_receiptdate as receipt_date,
        trim(l_shipinstruct) as ship_instructions,
        trim(l_shipmode) as ship_mode,
        trim(l_comment) as line_comment,
        landing_date
    from source
)

select * from renamed
