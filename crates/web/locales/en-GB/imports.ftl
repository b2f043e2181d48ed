# The Import page: upload limits and what happens to uploaded files.
imports-file-hint = CSV (comma, semicolon, tab or pipe) or XLSX, up to { $limit } MB and { $columns } columns. Save XLS and ODS workbooks as XLSX first. Larger files: use onward import learners on the server.
imports-retention = The uploaded file holds your learners' personal data, so Onward deletes it as soon as it has been imported, or { $hours } hours after upload if it is not imported.
imports-file-deleted = The uploaded file was deleted on { $deleted }, after its import or at the end of its retention period. Upload it again to import it.
