with

source as (
    select * from {{ source('tpch', 'orders') }}
    where not {{ breaks_rejection_rules('orders') }}
),

renamed as (
    select
        o_orderkey as order_key,
        o_custkey as customer_key,
        trim(o_orderstatus) as order_status,
        o_totalprice as total_price,
        o_orderdate as order_date,
        trim(o_orderpriority) as order_priority,
        trim(o_clerk) as clerk_name,
        o_shippriority as ship_priority,
        trim(o_comment) as order_comment,
        landing_date
    from source
)

select * from renamed
