// Registering a security key or passkey (F1): the page gives the creation options as JSON;
// the browser asks the key for a new credential, and its answer goes back in the page's
// form. The server checks everything (origin, relying party, user verification); this
// only carries the answer, and says what to do when the browser cannot.
(function () {
  "use strict";
  var button = document.getElementById("register-key");
  var form = document.getElementById("security-key-register-form");
  var optionsElement = document.getElementById("webauthn-creation-options");
  var unavailable = document.getElementById("webauthn-unavailable");
  var reason = document.getElementById("webauthn-unavailable-reason");
  var status = document.getElementById("webauthn-status");
  var defaultReason = reason ? reason.textContent : "";
  if (!button || !form || !optionsElement) {
    return;
  }

  var REASONS = {
    InvalidStateError:
      "This security key or passkey is already registered for your user. Use another key.",
    SecurityError:
      "This browser refused the request because the portal is not opened at the address " +
      "named on this page. Open it there and try again.",
  };

  function toBuffer(base64url) {
    var base64 = base64url.replace(/-/g, "+").replace(/_/g, "/");
    var binary = window.atob(base64 + "===".slice((base64.length + 3) % 4));
    var bytes = new Uint8Array(binary.length);
    for (var i = 0; i < binary.length; i += 1) {
      bytes[i] = binary.charCodeAt(i);
    }
    return bytes.buffer;
  }

  function toBase64url(buffer) {
    var bytes = new Uint8Array(buffer);
    var binary = "";
    for (var i = 0; i < bytes.length; i += 1) {
      binary += String.fromCharCode(bytes[i]);
    }
    return window.btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }

  function creationOptions() {
    var options = JSON.parse(optionsElement.textContent);
    options.challenge = toBuffer(options.challenge);
    options.user.id = toBuffer(options.user.id);
    options.excludeCredentials = (options.excludeCredentials || []).map(function (descriptor) {
      return { type: descriptor.type, id: toBuffer(descriptor.id), transports: descriptor.transports };
    });
    return options;
  }

  // What the server reads of the new credential. toJSON() gives it where the browser has
  // it; the fields are then picked, as it also repeats the public key and authenticator
  // data, which the attestation object already holds.
  function serialized(credential) {
    var response = credential.response;
    var json = typeof credential.toJSON === "function" ? credential.toJSON() : {
      id: credential.id,
      rawId: toBase64url(credential.rawId),
      type: credential.type,
      authenticatorAttachment: credential.authenticatorAttachment,
      clientExtensionResults: credential.getClientExtensionResults(),
      response: {
        clientDataJSON: toBase64url(response.clientDataJSON),
        attestationObject: toBase64url(response.attestationObject),
        transports: typeof response.getTransports === "function" ? response.getTransports() : [],
      },
    };
    return JSON.stringify({
      id: json.id,
      rawId: json.rawId,
      type: json.type,
      authenticatorAttachment: json.authenticatorAttachment,
      clientExtensionResults: json.clientExtensionResults || {},
      response: {
        clientDataJSON: json.response.clientDataJSON,
        attestationObject: json.response.attestationObject,
        transports: json.response.transports || [],
      },
    });
  }

  function showUnavailable(message) {
    if (reason) {
      reason.textContent = message || defaultReason;
    }
    if (unavailable) {
      unavailable.hidden = false;
    }
  }

  // Where the simulators are installed, a registration made by the security key simulator
  // may be pasted instead; the server checks it exactly as one from the browser. A post
  // without an answer would only use up the registration, so none is sent.
  var paste = document.getElementById("webauthn-paste");
  var optionsCopy = document.getElementById("webauthn-creation-copy");
  if (paste && optionsCopy) {
    optionsCopy.value = optionsElement.textContent;
    paste.addEventListener("input", function () {
      form.elements.credential.value = paste.value.trim();
    });
  }
  form.addEventListener("submit", function (event) {
    if (!form.elements.credential.value) {
      event.preventDefault();
      status.textContent = "Paste the simulator's registration first.";
    }
  });

  if (!window.PublicKeyCredential || !navigator.credentials || !navigator.credentials.create) {
    button.disabled = true;
    showUnavailable(
      "This browser does not support security keys or passkeys, or offers none on this page."
    );
    return;
  }

  button.addEventListener("click", function () {
    button.disabled = true;
    if (unavailable) {
      unavailable.hidden = true;
    }
    status.textContent =
      "Follow your browser: touch your security key, or confirm with your fingerprint, face or device PIN.";
    navigator.credentials
      .create({ publicKey: creationOptions() })
      .then(function (credential) {
        if (!credential) {
          throw new Error("no credential");
        }
        form.elements.credential.value = serialized(credential);
        status.textContent = "Checking your security key…";
        form.submit();
      })
      .catch(function (error) {
        button.disabled = false;
        status.textContent = "";
        showUnavailable(REASONS[error && error.name]);
      });
  });
})();
