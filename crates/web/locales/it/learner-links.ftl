# La pagina per non ricevere più messaggi (/o/{token}).
survey-site-opt-out-title = Non ricevere più messaggi da { $organisation }
survey-site-opt-out-body = { $organisation } resta in contatto con gli ex studenti via e-mail, SMS, lettera e telefono per chiedere cosa fanno ora. Se rinunci, non ti contatterà più per questo motivo.
survey-site-opt-out-button = Rinuncia ai messaggi
survey-site-opt-out-done-title = Hai rinunciato ai messaggi
survey-site-opt-out-done-body = { $organisation } non ti contatterà più per chiederti cosa fai ora. Se cambi idea, contattala.
