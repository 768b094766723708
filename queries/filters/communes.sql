-- Purpose: the communes offered by the filter bar, with their arrondissement.
-- Grain: one row per commune of the province (reference data).
-- Parameters: none.
-- Output: nis, name_fr, arrondissement, is_south.
select nis, name_fr, arrondissement, is_south
from stg_communes
order by name_fr
