# Testun y mae'r cod Rust yn ei lunio ar gyfer tudalennau: tudalennau gwall, llinell
# amser y dysgwr, y cofnod cymorth, rhesymau risg, enwau misoedd.

## Page layout
nav-service-information = Gwybodaeth am y gwasanaeth

## Error pages
error-not-found-title = Heb ddod o hyd i'r dudalen
error-not-found-message = Os teipioch chi'r cyfeiriad gwe, gwiriwch ei fod yn gywir.
error-forbidden-title = Allwch chi ddim gweld y dudalen hon
error-forbidden-message = Dydy eich rôl ddim yn rhoi mynediad at y dudalen hon. Gofynnwch i weinyddwr os oes ei hangen arnoch chi.
error-bad-request-title = Mae problem gyda'r cais hwnnw
error-form-expired-title = Mae'r ffurflen hon wedi dod i ben
error-form-expired-message = Does dim wedi newid. Ewch yn ôl, ail-lwythwch y dudalen a chyflwynwch y ffurflen eto.
error-internal-title = Mae'n ddrwg gennym, mae problem gyda'r gwasanaeth
error-internal-message = Rhowch gynnig arall arni yn nes ymlaen. Os na welsoch chi gadarnhad, does dim o'r hyn a gyflwynoch chi wedi'i golli; gwiriwch cyn ei gyflwyno eto.
bad-request-call-again = Ewch yn ôl i'r ciw galwadau, ail-lwythwch y dudalen a chofnodwch yr alwad eto.
bad-request-choose-category = Ewch yn ôl a dewiswch beth mae'r dysgwr yn ei wneud.
bad-request-choose-source = Ewch yn ôl a dewiswch sut rydych chi'n gwybod.
bad-request-note-too-long = Ewch yn ôl a byrhewch y nodyn i 1,000 nod neu lai.
bad-request-choose-role = Ewch yn ôl a dewiswch rôl o'r rhestr.
bad-request-use-activate-buttons = Ewch yn ôl a defnyddiwch y botwm Dadactifadu neu Ailactifadu.
bad-request-use-archive-buttons = Ewch yn ôl a defnyddiwch y botwm Archifo neu Adfer.
bad-request-choose-referral = Ewch yn ôl a dewiswch yr atgyfeiriad i'w gau.
bad-request-choose-offer = Ewch yn ôl a dewiswch gynnig i'w ddiweddaru.
bad-request-choose-offer-status = Ewch yn ôl a dewiswch ble mae'r cynnig yn sefyll.
bad-request-choose-flag = Ewch yn ôl a dewiswch y faner i'w chlirio.
bad-request-choose-file = Dewiswch y ffeil i'w mewnforio.
bad-request-confirm-finished-check = Dim ond gwiriad ffeil sydd wedi gorffen y gellir ei gadarnhau; llwythwch y ffeil i fyny eto.
bad-request-client-address = Dydy cyfeiriad y cleient ddim yn hysbys.
bad-request-form-unreadable = Doedd dim modd darllen y ffurflen. Ewch yn ôl a rhowch gynnig arall arni.

## The learner record's timeline
timeline-started = Wedi dechrau { $programme }
timeline-left = Wedi gadael { $programme }
timeline-cohort = Carfan: { $cohort }
timeline-source = Ffynhonnell: { $source }
timeline-verification = Dilysu: { $verification }
timeline-institution = Sefydliad: { $value }
timeline-employer = Cyflogwr: { $value }
timeline-job-role = Swydd: { $value }
timeline-course = Cwrs: { $value }
timeline-verified = Wedi’i ddilysu: { $category } ({ $from } i { $to })
timeline-tag-verification = Dilysu
timeline-incomplete = Anghyflawn: dim cyflogwr wedi'i gofnodi
timeline-tag-enrolment = Cofrestriad
timeline-tag-intended = Cyrchfan fwriedig
timeline-tag-destination = Cyrchfan
timeline-tag-contact-attempt = Ymgais i gysylltu

## The support log and at-risk reasons
support-log-staff = staff
support-log-flagged = Wedi'i nodi mewn perygl
support-log-flag-cleared = Baner wedi'i chlirio
support-log-no-owner = neb
support-log-referred = Atgyfeiriwyd: { $type }
support-log-referral-detail = Perchennog: { $owner }. Dilyn i fyny erbyn { $date }.
support-log-referral-closed = Atgyfeiriad wedi'i gau ({ $type }): { $outcome }
atrisk-reason-not-known = Cyrchfan ddim yn hysbys ar ôl y pwynt gwirio olaf ({ $date })
atrisk-reason-flagged = Wedi'i nodi gan staff: { $reasons }

## Month names, for dates written out
month-1 = Ionawr
month-2 = Chwefror
month-3 = Mawrth
month-4 = Ebrill
month-5 = Mai
month-6 = Mehefin
month-7 = Gorffennaf
month-8 = Awst
month-9 = Medi
month-10 = Hydref
month-11 = Tachwedd
month-12 = Rhagfyr
