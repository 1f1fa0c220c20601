{#- A version id that sorts after every earlier one: the run's start time to the microsecond, and
    always above the published version even if the clock went back. -#}
{% macro new_version_id(published) %}
    {%- set version = run_version_id() -%}
    {%- if published is not none and published.version | int >= version | int -%}
        {%- set version = (published.version | int + 1) | string -%}
    {%- endif -%}
    {{ return(version) }}
{% endmacro %}

{#- The run's start time to the microsecond: every version this run writes is at least this. -#}
{% macro run_version_id() %}
    {{ return(run_started_at.strftime('%Y%m%d%H%M%S%f')) }}
{% endmacro %}
