"""Sentences as they appear in answers and questions, with the personal data marked
[[kind:text]]. Sentences without marks must come out unchanged. Written for Wegwijs; the
names, numbers and addresses are invented (the IBAN and national numbers have valid checksums
so that the detector cannot cheat by rejecting them)."""

# (text, known names of the question)
CORPUS = [
    ("Mevrouw [[name:Amina El Idrissi]] vroeg ons of haar kaart verlengd kan worden.", []),
    ("U kunt ons bereiken op [[email:amina.elidrissi@gmail.com]] of [[phone:0470 12 34 56]].", []),
    ("Haar rijksregisternummer is [[national_number:85.07.30-033.28]].", []),
    ("Stort de waarborg op [[iban:BE68 5390 0754 7034]] met vermelding van het dossier.", []),
    ("Hij woont in de [[address:Kerkstraat 12 bus 3, 2000 Antwerpen]].", []),
    ("Zij is geboren op [[birth_date:30/07/1985]] in Aleppo.", []),
    ("Uw vraag [[reference:WW-2026-000123]] is beantwoord.", []),
    ("Dag [[name:Olena]], dank u voor uw bericht.", ["Olena Kovalenko"]),
    ("Mevrouw [[name:Kovalenko]] heeft een A-kaart.", ["Olena Kovalenko"]),
    ("Madame [[name:Fatima Benali]] habite [[address:rue de la Loi 16, 1000 Bruxelles]].", []),
    ("Appelez le [[phone:+32 2 123 45 67]] entre 9 et 12 heures.", []),
    ("Né le [[birth_date:12/03/1990]] à Kinshasa, il demande la nationalité.", []),
    ("Je m'appelle [[name:Yusuf Demir]] et j'habite à Schaerbeek.", []),
    (
        "My name is [[name:Tesfay Gebremariam]] and I live at [[address:Brusselsesteenweg 140, "
        "9000 Gent]].",
        [],
    ),
    ("Date of birth: [[birth_date:01.01.2001]]. Phone [[phone:+32 470 11 22 33]].", []),
    ("Send the documents to [[email:olena.k@ukr.net]] before Friday.", []),
    ("Mijn zoon [[name:Omar]] gaat naar de school in de [[address:Lange Lozanastraat 24]].", []),
    ("De cliënte [[name:Hanna]] heeft een bevel om het grondgebied te verlaten.", []),
    ("Mijn echtgenote [[name:Layla Haddad]] kwam via gezinshereniging.", []),
    ("Rekeningnummer [[iban:BE71 0961 2345 6769]] van het OCMW.", []),
    ("Zijn nummer: [[national_number:90020199704]].", []),
    ("Bel me op [[phone:0486/12.34.56]] of op [[phone:09 223 44 55]].", []),
    ("Geboortedatum: [[birth_date:5 mei 1978]].", []),
    ("Monsieur [[name:Jean-Pierre Dubois]] est l'assistant social.", []),
    ("Het dossier [[reference:WW-2025-004711]] werd overgedragen aan Gent.", []),
    ("Ze verhuisde van de [[address:Turnhoutsebaan 300, 2140 Borgerhout]] naar Mechelen.", []),
    ("Meneer [[name:Abdullah]] moet zich aanmelden bij de gemeente.", []),
    # Legal content that must stay as it is.
    ("U moet binnen 30 dagen beroep aantekenen bij de Raad voor Vreemdelingenbetwistingen.", []),
    ("Volgens artikel 10 van de wet van 15 december 1980 hebt u recht op gezinshereniging.", []),
    ("Het leefloon bedraagt € 1.263,17 per maand voor een alleenstaande (1 januari 2026).", []),
    ("Vraag een bijlage 15 aan bij de dienst bevolking van uw gemeente.", []),
    ("Le délai de recours est de 30 jours à partir de la notification (art. 39/57).", []),
    ("The Immigration Office (DVZ) decides within 9 months; the term can be extended by 3.", []),
    ("Neem contact op met het OCMW Gent of de Integratie en Inburgering-dienst in Antwerpen.", []),
    ("Het Groeipakket wordt betaald door FONS, Kidslife, Infino, MyFamily of Parentia.", []),
    ("De inburgeringscursus duurt 60 uur; het attest is 5 jaar geldig.", []),
    ("Na 5 jaar legaal verblijf kunt u de Belgische nationaliteit aanvragen (art. 12bis WBN).", []),
    ("De beslissing van 3 maart 2026 werd betekend op 10 maart 2026.", []),
    ("Dien uw verzoekschrift in per aangetekende brief of via J-Box.", []),
    ("Een huurwaarborg bedraagt maximaal 3 maanden huur bij een bankwaarborg.", []),
    ("Kinderen tussen 5 en 18 jaar zijn leerplichtig in België.", []),
    ("Het ziekenfonds betaalt 75 % terug na aansluiting via de Kruispuntbank.", []),
    # A first name before a known surname goes with it.
    ("Verlenging kaart van [[name:Amina Benali]]", ["Benali"]),
    ("Beste [[name:Yusuf Demir]], uw kaart is klaar.", ["Demir"]),
]
