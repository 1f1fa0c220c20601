{% macro new_version_id(published) %}
    {%- set version = run_version_id() -%}
    {%- if published is not none and published.version | int >= version | int -%}
        {%- set version = (published.version | int + 1) | string -%}
    {%- endif -%}
    {{ return(version) }}
{% endmacro %}

{% macro run_version_id() %}
    {{ return(run_started_at.strftime('%Y%m%d%H%M%S%f')) }}
{% endmacro %}
