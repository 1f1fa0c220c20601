-- Built on a Python model: what the customers of each k-means cluster look like.
with

clusters as (
    select * from {{ ref('customer_clusters') }}
),

segments as (
    select * from {{ ref('customer_rfm_segments') }}
),

final as (
    select
        clusters.cluster_id,
        count(*) as customer_count,
        cast(avg(clusters.recency_days) as decimal(10, 2)) as avg_recency_days,
        cast(avg(clusters.order_count) as decimal(10, 2)) as avg_order_count,
        cast(avg(clusters.monetary_value) as decimal(22, 4)) as avg_monetary_value,
        cast(count_if(segments.rfm_segment = 'champions') / count(*) as decimal(5, 4))
            as champion_share
    from clusters
    inner join segments
        on clusters.customer_key = segments.customer_key
    group by clusters.cluster_id
)

select * from final
