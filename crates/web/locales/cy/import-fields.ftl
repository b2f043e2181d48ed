# Beth mae pob colofn yn y templed mewnforio yn ei dderbyn. Yr un allweddi, yn yr un
# drefn, ag en-GB/import-fields.ftl.

import-field-uln = Rhif Dysgwr Unigryw: 10 digid gyda digid gwirio dilys. Mae angen ULN neu ID MIS.
import-field-upn = Rhif Disgybl Unigryw (ysgolion).
import-field-mis_id = Cyfeirnod y dysgwr yn eich MIS. Mae angen ULN neu ID MIS.
import-field-given_name = Gofynnol.
import-field-family_name = Gofynnol.
import-field-date_of_birth = dd/mm/bbbb, bbbb-mm-dd, d-Mis-bb neu ddyddiad Excel. Os yw ar goll: rhybudd.
import-field-sex = F, M, X (arall) neu U (ddim yn hysbys); derbynnir y geiriau Saesneg llawn hefyd.
import-field-ethnicity = Cod ethnigrwydd yr ILR (31-47, 98, 99) neu ei label.
import-field-lldd = Anhawster dysgu, anabledd neu broblem iechyd: Y/N, 1/2/9 neu label.
import-field-free_school_meals = Yn gymwys i gael prydau ysgol am ddim neu o dan anfantais: Y/N.
import-field-tutor_group = Grŵp tiwtor neu ddosbarth y dysgwr (e.e. '11A'), hyd at 50 nod. Dim ond dysgwyr eu grwpiau eu hunain y mae tiwtoriaid yn eu gweld.
import-field-address_line_1 = Llinellau cyfeiriad.
import-field-address_line_2 = Llinellau cyfeiriad.
import-field-address_line_3 = Llinellau cyfeiriad.
import-field-town = Tref neu ddinas.
import-field-county = Sir.
import-field-postcode = Cod post y DU ar gyfer sefydliadau GB (caiff ei wirio); gwledydd eraill fel y'u rhoddir.
import-field-email = Cyfeiriad e-bost. Manylion cyswllt ar goll: rhybudd.
import-field-mobile = Rhif ffôn symudol; caiff ei gadw ar ffurf ryngwladol (+44…).
import-field-phone = Rhif ffôn arall; caiff ei gadw ar ffurf ryngwladol.
import-field-programme = Teitl y rhaglen neu'r cwrs. Gadewch golofnau'r cofrestriad allan ar gyfer ffeil dysgwyr yn unig.
import-field-level = E1-E3, 1-8, neu'r label Saesneg (er enghraifft Entry).
import-field-sector_subject_area = Cod haen 1 SSA (1-15), cod haen 2 fel 6.1, neu ei label.
import-field-mode = FT neu PT (amser llawn, rhan-amser). Diofyn: amser llawn.
import-field-start_date = Dyddiad dechrau'r cofrestriad; mae ei angen gyda rhaglen.
import-field-planned_end_date = Dyddiad gorffen arfaethedig; mae ei angen gyda rhaglen.
import-field-actual_end_date = Y diwrnod y gadawodd y dysgwr, os yw wedi gadael.
import-field-completion_status = Y statws fel label Saesneg neu fel cod CompStatus yr ILR (1, 2, 3, 6).
import-field-cohort = Enw'r garfan (e.e. 'Ymadawyr Blwyddyn 11 2026'). Diofyn: 'Leavers' a blwyddyn y dyddiad gorffen arfaethedig.
