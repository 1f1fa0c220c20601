{#- A version id that sorts after every earlier one: the run's start time to the microsecond, and
    always above the published version even if the clock went back. -#}
{% macro new_version_id(published) %}
    {%- set version = run_started_at.strftime('%Y%m%d%H%M%S%f') -%}
    {%- if published is not none and published.version | int >= version | int -%}
        {%- set version = (published.version | int + 1) | string -%}
    {%- endif -%}
    {{ return(version) }}
{% endmacro %}
