# Mewngofnodi, cyfrineiriau a dolenni cyfrif (mater 13).
auth-warning = Rhybudd
sign-in-error-credentials = Rhowch gyfeiriad e-bost a chyfrinair cywir. Ar ôl 5 ymgais anghywir yn olynol caiff cyfrif ei gloi am 15 munud.
sign-in-error-too-many = Gormod o ymdrechion i fewngofnodi. Arhoswch funud, yna rhowch gynnig arall arni.
account-password-current-wrong = Mae eich cyfrinair presennol yn anghywir. Ar ôl 5 ymgais anghywir yn olynol caiff eich cyfrif ei gloi am 15 munud.
account-password-locked = Gormod o gyfrineiriau anghywir: mae eich cyfrif wedi'i gloi am 15 munud. Arhoswch, yna rhowch gynnig arall arni.
users-email-already-ours = Mae'r cyfeiriad e-bost hwn yn perthyn i un o'ch defnyddwyr eisoes: maen nhw yn y rhestr uchod.
users-no-mail-server = Ni all Onward anfon gwahoddiadau oherwydd nad oes gweinydd post wedi'i osod. Gofynnwch i bwy bynnag sy'n rhedeg Onward osod y gweinydd post yn adran [smtp] y gosodiadau (gweler y canllaw gweithredu). Ni chrëwyd dim.
users-invitation-not-sent = Cadwyd y gwahoddiad ond ni chymerodd y gweinydd post yr e-bost. Tynnwch ef yn ôl a gwahoddwch yr unigolyn eto ymhen ychydig funudau; os yw'n dal i fethu, dywedwch wrth bwy bynnag sy'n rhedeg Onward.
users-no-public-url = Ni all Onward greu dolenni gwahodd nac ailosod gan nad yw ei gyfeiriad gwe cyhoeddus wedi'i osod. Gofynnwch i bwy bynnag sy'n rhedeg Onward osod public_url (ONWARD_PUBLIC_URL), er enghraifft https://onward.eich-ysgol.example. Ni chafodd dim ei greu.
