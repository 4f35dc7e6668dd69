// A security key or passkey answers the second factor on this page (F1). On a press of
// "Use security key" (or of the form's own button while no answer is in it), the server's
// request options go to WebAuthn, and what the key signs is put in the form's hidden
// response field as JSON and the form is sent. Only on a press: browsers ask for a user
// gesture before they talk to some keys. The server checks everything; this only carries
// the answer, and says what to do when the browser cannot get one.
(function () {
  "use strict";
  var button = document.getElementById("webauthn-answer");
  var optionsScript = document.getElementById("webauthn-request-options");
  if (!button || !optionsScript || !button.form) {
    return;
  }
  var form = button.form;
  var response = document.getElementById(button.getAttribute("data-response"));
  var status = document.getElementById("webauthn-status");
  var unavailable = document.getElementById("webauthn-unavailable");
  var problem = document.getElementById("webauthn-problem");
  var busy = false;

  var PROBLEMS = {
    unsupported: "This browser cannot use a security key or passkey.",
    NotAllowedError: "The security key did not answer: the request was cancelled, timed out, or the key used is not the one registered for this device.",
    InvalidStateError: "That security key is not the one registered for this device.",
    SecurityError: "This page's address does not match the one your security key is registered for.",
    other: "Your browser did not get an answer from your security key."
  };

  function bytesFromBase64url(text) {
    var base64 = text.replace(/-/g, "+").replace(/_/g, "/");
    while (base64.length % 4) {
      base64 += "=";
    }
    var binary = window.atob(base64);
    var bytes = new Uint8Array(binary.length);
    for (var i = 0; i < binary.length; i += 1) {
      bytes[i] = binary.charCodeAt(i);
    }
    return bytes.buffer;
  }

  function base64urlFromBytes(buffer) {
    var bytes = new Uint8Array(buffer);
    var binary = "";
    for (var i = 0; i < bytes.length; i += 1) {
      binary += String.fromCharCode(bytes[i]);
    }
    return window.btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }

  function requestOptions(json) {
    if (typeof PublicKeyCredential.parseRequestOptionsFromJSON === "function") {
      return PublicKeyCredential.parseRequestOptionsFromJSON(json);
    }
    var options = Object.assign({}, json, { challenge: bytesFromBase64url(json.challenge) });
    options.allowCredentials = (json.allowCredentials || []).map(function (credential) {
      return Object.assign({}, credential, { id: bytesFromBase64url(credential.id) });
    });
    return options;
  }

  function assertionJson(credential) {
    if (typeof credential.toJSON === "function") {
      return credential.toJSON();
    }
    var answer = credential.response;
    return {
      id: credential.id,
      rawId: base64urlFromBytes(credential.rawId),
      type: credential.type,
      response: {
        clientDataJSON: base64urlFromBytes(answer.clientDataJSON),
        authenticatorData: base64urlFromBytes(answer.authenticatorData),
        signature: base64urlFromBytes(answer.signature),
        userHandle: answer.userHandle ? base64urlFromBytes(answer.userHandle) : null
      },
      clientExtensionResults: credential.getClientExtensionResults ? credential.getClientExtensionResults() : {},
      authenticatorAttachment: credential.authenticatorAttachment || null
    };
  }

  function say(text) {
    if (status) {
      status.textContent = text;
    }
  }

  function fail(reason) {
    busy = false;
    button.disabled = false;
    say("");
    if (problem) {
      problem.textContent = PROBLEMS[reason] || PROBLEMS.other;
    }
    if (unavailable) {
      unavailable.hidden = false;
    }
    button.focus();
  }

  function send() {
    var submitter = form.querySelector('button[type="submit"], input[type="submit"]');
    if (typeof form.requestSubmit === "function") {
      form.requestSubmit(submitter || undefined);
    } else {
      form.submit();
    }
  }

  function answer() {
    if (busy) {
      return;
    }
    if (!window.PublicKeyCredential || !navigator.credentials) {
      fail("unsupported");
      return;
    }
    var json = JSON.parse(optionsScript.textContent);
    if (!json) {
      fail("other");
      return;
    }
    busy = true;
    button.disabled = true;
    if (unavailable) {
      unavailable.hidden = true;
    }
    say("Waiting for your security key: touch it, or confirm with your fingerprint, face or device PIN.");
    navigator.credentials.get({ publicKey: requestOptions(json) })
      .then(function (credential) {
        if (!credential) {
          fail("other");
          return;
        }
        response.value = JSON.stringify(assertionJson(credential));
        say("Security key answered. Sending…");
        send();
      })
      .catch(function (error) {
        fail(error && error.name);
      });
  }

  button.addEventListener("click", answer);
  // Where the simulators are installed, an answer made by the security key simulator may be
  // pasted instead; the server checks it exactly as one from the browser.
  var paste = document.getElementById("webauthn-paste");
  var requestCopy = document.getElementById("webauthn-request-copy");
  if (paste && requestCopy) {
    requestCopy.value = optionsScript.textContent;
    paste.addEventListener("input", function () {
      response.value = paste.value.trim();
    });
  }
  // The form's own button (or Enter) sends no empty answer, which would count as a failed
  // attempt (L3): it asks the key instead.
  form.addEventListener("submit", function (event) {
    if (!response.value) {
      event.preventDefault();
      answer();
    }
  });
})();
