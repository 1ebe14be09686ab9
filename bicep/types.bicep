// Parameter types shared by main.bicep and its modules, so the compiler checks a parameter file's shape.

@export()
@description('The organisation named in notices.')
type organisation = {
  name: string
  @description('Data protection officer named in notices; receives deadline reminders and escalations.')
  dpoName: string
  dpoEmail: string
  dpoPhone: string?
  @description('Lead supervisory authority (country code, e.g. NL).')
  leadAuthority: string
  @description('IANA time zone for local times, e.g. Europe/Amsterdam.')
  timeZone: string
  @description('Where the authority notice is mailed.')
  authorityNoticeEmail: string?
  @description('The dashboard as people open it, ending in /api/ui/ (custom domain, front door); default: https://<app>.azurewebsites.net/api/ui/. Reminder e-mails link to incidents there.')
  dashboardUrl: string?
}

@export()
@description('An API key: its owner, role and SHA-256 (hex); never the key itself (README "Make an API key").')
type apiKey = {
  name: string
  role: 'viewer' | 'reporter' | 'dpo'
  @minLength(64)
  @maxLength(64)
  keySha256: string
}
