// German, in the formal "Sie".
import type { LocaleMessages } from '../keys.js';

export const de: LocaleMessages = {
  invalid: 'Dieser Code ist nicht richtig. Prüfen Sie ihn und versuchen Sie es erneut.',
  'invalid.totp':
    'Dieser Code ist nicht richtig. Wenn Sie ihn sorgfältig eingegeben haben, geht die Uhr Ihres Telefons wahrscheinlich falsch: Die Codes hängen von der genauen Uhrzeit ab. Schalten Sie in den Einstellungen des Telefons „Datum und Uhrzeit automatisch“ ein und geben Sie dann den neuesten Code ein.',
  'invalid.backup': 'Dieser Sicherungscode ist ungültig oder wurde durch neuere Sicherungscodes ersetzt.',
  'invalid.email':
    'Dieser Code ist nicht richtig. Geben Sie den Code aus der neuesten E-Mail ein, die wir Ihnen geschickt haben, oder fordern Sie einen neuen an.',
  'invalid.sms':
    'Dieser Code ist nicht richtig. Geben Sie den Code aus der neuesten SMS ein, die wir Ihnen geschickt haben, oder fordern Sie einen neuen an.',
  'invalid.telegram':
    'Dieser Code ist nicht richtig. Geben Sie den Code aus unserer neuesten Telegram-Nachricht ein oder fordern Sie einen neuen an.',
  'invalid.voice':
    'Diese Ziffern stimmen nicht. Geben Sie die letzten vier Ziffern der Nummer ein, von der Sie angerufen wurden.',
  'invalid.delivered':
    'Dieser Code ist nicht richtig. Geben Sie den Code aus der neuesten Nachricht ein, die wir Ihnen geschickt haben, oder fordern Sie einen neuen an.',
  'invalid.approval': 'Diese Bestätigungsanfrage ist ungültig.',
  'lockout-started': 'Zu viele falsche Codes: Warten Sie {wait}, bevor Sie es erneut versuchen.',
  malformed: 'Das sieht nicht wie ein Code aus. Prüfen Sie ihn und geben Sie ihn erneut ein.',
  'malformed.totp': 'Das sieht nicht wie ein Code aus: Geben Sie die Ziffern ein, die Ihre Authenticator-App anzeigt.',
  'malformed.backup': 'Das sieht nicht wie ein Sicherungscode aus: Geben Sie ihn so ein, wie er ausgedruckt ist.',
  'malformed.delivered':
    'Das sieht nicht wie ein Code aus: Geben Sie die Ziffern aus der Nachricht ein, die wir Ihnen geschickt haben.',
  'malformed.voice': 'Geben Sie die letzten vier Ziffern der Nummer ein, von der Sie angerufen wurden.',
  replayed: 'Dieser Code wurde bereits verwendet. Verwenden Sie einen neuen.',
  'replayed.totp':
    'Dieser Code wurde bereits verwendet. Warten Sie, bis Ihre App den nächsten Code anzeigt, und geben Sie ihn dann ein.',
  'replayed.backup':
    'Dieser Sicherungscode wurde bereits verwendet: Jeder gilt nur einmal. Verwenden Sie einen anderen.',
  locked: 'Zu viele falsche Codes. Warten Sie {wait} und versuchen Sie es dann erneut.',
  'hard-locked':
    'Zu viele falsche Codes: Dieses Konto ist gesperrt. Wenden Sie sich an den Support, um es entsperren zu lassen.',
  'current-code-required':
    'Die Zwei-Faktor-Authentifizierung ist bereits aktiv: Geben Sie zusätzlich einen Code einer Anmeldemethode ein, die Sie schon haben, oder einen Sicherungscode.',
  'not-enrolled': 'Für dieses Konto ist keine Zwei-Faktor-Authentifizierung eingerichtet.',
  expired: 'Das ist abgelaufen. Beginnen Sie von vorn.',
  'expired.totp': 'Diese Einrichtung ist abgelaufen. Beginnen Sie von vorn, um einen neuen QR-Code zu erhalten.',
  'expired.delivered':
    'Es gibt keinen Code zu prüfen: Er ist abgelaufen, wurde schon verwendet oder zu oft falsch eingegeben. Fordern Sie einen neuen Code an.',
  'expired.approval': 'Diese Bestätigungsanfrage ist abgelaufen. Melden Sie sich erneut an.',
  'unknown-factor': 'Diese Anmeldemethode gehört nicht mehr zu diesem Konto. Laden Sie die Seite neu.',
  'stronger-factor-required':
    'Der Code ist richtig, aber diese Änderung erfordert eine stärkere Anmeldemethode, etwa eine Authenticator-App oder einen Sicherungscode.',
  'user-verification-required':
    'Ihr Passkey hat Sie nicht bestätigt (PIN, Fingerabdruck oder Gesicht). Versuchen Sie es erneut und entsperren Sie ihn, wenn Sie gefragt werden.',
  'factor-suspended':
    'Dieser Sicherheitsschlüssel ist gesperrt, weil eine Kopie davon erkannt wurde. Melden Sie sich auf anderem Weg an und aktivieren oder entfernen Sie ihn.',
  'rate-limited': 'Zu viele Codes angefordert. Warten Sie {wait}, bevor Sie einen neuen anfordern.',
  'rate-limited.approval': 'Zu viele Bestätigungsanfragen. Warten Sie {wait} oder melden Sie sich auf anderem Weg an.',
  answered: 'Diese Anfrage wurde bereits beantwortet.',
  'wrong-number':
    'Das ist nicht die Zahl auf der Anmeldeseite, daher wurde die Anfrage abgelehnt. Wenn Sie sich gerade anmelden, beginnen Sie von vorn.',
  // The web half (factorkit/http).
  'cross-origin':
    'Diese Anfrage kam von einer anderen Website und wurde abgelehnt. Laden Sie die Seite neu und versuchen Sie es erneut.',
  'ticket-invalid': 'Ihre Anmeldung konnte nicht fortgesetzt werden. Melden Sie sich erneut mit Ihrem Passwort an.',
  'ticket-expired':
    'Ihre Anmeldung hat zu lange gedauert und ist abgelaufen. Melden Sie sich erneut mit Ihrem Passwort an.',
  'ticket-used':
    'Diese Anmeldung wurde bereits abgeschlossen. Melden Sie sich bei Bedarf erneut mit Ihrem Passwort an.',
  'not-signed-in': 'Sie sind nicht angemeldet. Melden Sie sich an und versuchen Sie es erneut.',
  'step-up-required':
    'Bestätigen Sie für diese Änderung, dass Sie es sind: Geben Sie zuerst einen Code aus einer Ihrer Anmeldemethoden ein.',
  'bad-request':
    'In dieser Anfrage fehlt etwas oder etwas stimmt nicht. Laden Sie die Seite neu und versuchen Sie es erneut.',
  'not-configured': 'Diese Anmeldemethode ist hier nicht verfügbar.',
  'status.pending':
    'Öffnen Sie die Anfrage, die wir an Ihr Telefon geschickt haben, und wählen Sie die hier angezeigte Zahl.',
  'status.approved': 'Bestätigt. Sie sind angemeldet.',
  'status.denied': 'Die Anfrage wurde abgelehnt. Melden Sie sich erneut oder auf anderem Weg an.',
  'wait.moment': 'einen Moment',
  'wait.seconds': { one: '{count} Sekunde', other: '{count} Sekunden' },
  'wait.minutes': { one: '{count} Minute', other: '{count} Minuten' },
  'wait.hours': { one: '{count} Stunde', other: '{count} Stunden' },
  'wait.days': { one: '{count} Tag', other: '{count} Tage' },
};
