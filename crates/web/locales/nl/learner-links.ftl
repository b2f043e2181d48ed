# De afmeldpagina (/o/{token}).
survey-site-opt-out-title = Geen berichten meer van { $organisation }
survey-site-opt-out-body = { $organisation } houdt per e-mail, sms, brief en telefoon contact met oud-studenten om te vragen wat ze nu doen. Als je je afmeldt, nemen ze hierover geen contact meer met je op.
survey-site-opt-out-button = Afmelden voor berichten
survey-site-opt-out-done-title = Je bent afgemeld
survey-site-opt-out-done-body = { $organisation } neemt geen contact meer met je op om te vragen wat je nu doet. Als je van gedachten verandert, neem dan contact met hen op.
