// How to get a Gmail app password: the steps, in the order Google shows them.
export function AppPasswordGuide({ open = false }: { open?: boolean }) {
  return (
    <details class="guide" open={open} data-testid="app-password-guide">
      <summary>How do I get a Gmail app password?</summary>
      <p class="small">
        Gmail does not let other programs use your normal password. An app password is a separate 16-letter password just for
        Deskbell; you can revoke it any time without changing your Google password.
      </p>
      <ol class="small">
        <li>
          Turn on <strong>2-Step Verification</strong> for your Google account (Google Account → Security). App passwords only
          exist once it is on.
        </li>
        <li>
          Open <span class="selectable mono">myaccount.google.com/apppasswords</span> in your browser and sign in again if asked.
        </li>
        <li>
          Type a name such as <strong>Deskbell</strong> and choose <strong>Create</strong>.
        </li>
        <li>Copy the 16-letter password Google shows and paste it here. The spaces do not matter.</li>
        <li>
          Google shows it only once. If you lose it, delete it there and create a new one. (Google Workspace accounts: your
          administrator may need to allow app passwords.)
        </li>
      </ol>
    </details>
  );
}
