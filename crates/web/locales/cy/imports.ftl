# Y dudalen Fewnforio: terfynau llwytho i fyny a beth sy'n digwydd i ffeiliau a lwythwyd i fyny.
imports-file-hint = CSV (wedi'i wahanu gan goma, hanner colon, tab neu bibell) neu XLSX, hyd at { $limit } MB a { $columns } colofn. Cadwch lyfrau gwaith XLS ac ODS fel XLSX yn gyntaf. Ffeiliau mwy: defnyddiwch onward import learners ar y gweinydd.
imports-retention = Mae'r ffeil a lwythwyd i fyny yn cynnwys data personol eich dysgwyr, felly mae Onward yn ei dileu cyn gynted ag y caiff ei mewnforio, neu { $hours } awr ar ôl ei llwytho i fyny os na chaiff ei mewnforio.
imports-file-deleted = Cafodd y ffeil a lwythwyd i fyny ei dileu ar { $deleted }, ar ôl ei mewnforio neu ar ddiwedd ei chyfnod cadw. Llwythwch hi i fyny eto i'w mewnforio.
