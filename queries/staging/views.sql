-- Purpose: derived staging views over the imported tables (filled in below).
select 1;
