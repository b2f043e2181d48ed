# Mewngofnodi, cyfrineiriau a dolenni cyfrif (mater 13).
auth-warning = Rhybudd
sign-in-error-credentials = Rhowch gyfeiriad e-bost a chyfrinair cywir. Ar ôl 5 ymgais anghywir yn olynol caiff cyfrif ei gloi am 15 munud.
sign-in-error-too-many = Gormod o ymdrechion i fewngofnodi. Arhoswch funud, yna rhowch gynnig arall arni.
account-password-current-wrong = Mae eich cyfrinair presennol yn anghywir. Ar ôl 5 ymgais anghywir yn olynol caiff eich cyfrif ei gloi am 15 munud.
account-password-locked = Gormod o gyfrineiriau anghywir: mae eich cyfrif wedi'i gloi am 15 munud. Arhoswch, yna rhowch gynnig arall arni.
users-email-unavailable = Ni ellir defnyddio'r cyfeiriad e-bost hwn ar gyfer cyfrif newydd. Os oes gan yr unigolyn gyfrif yma eisoes, mae yn y rhestr defnyddwyr; fel arall defnyddiwch un arall o'i gyfeiriadau e-bost gwaith.
users-no-public-url = Ni all Onward greu dolenni gwahodd nac ailosod gan nad yw ei gyfeiriad gwe cyhoeddus wedi'i osod. Gofynnwch i bwy bynnag sy'n rhedeg Onward osod public_url (ONWARD_PUBLIC_URL), er enghraifft https://onward.eich-ysgol.example. Ni chafodd dim ei greu.
