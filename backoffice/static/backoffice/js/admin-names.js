// Accessible names that three of Wagtail's own editor widgets leave out (docs/accessibility.md):
// the typing box of the tag field (jQuery tag-it: axe "label", critical), Draftail's rich text
// area (axe "aria-input-field-name", serious) and the avatar button of another person editing
// the same page (axe "button-name", critical). Each gets the name of the field or block it
// belongs to, or the text of its own hidden tooltip. All are made by scripts after the page
// loads, so new ones are named as they come.
(() => {
  let counter = 0;
  const labelId = (label) => {
    if (!label.id) {
      counter += 1;
      label.id = `ww-admin-name-${counter}`;
    }
    return label.id;
  };
  const nameFrom = (element, selectors) => {
    for (const selector of selectors) {
      const holder = element.closest(selector.holder);
      const label = holder && holder.querySelector(selector.label);
      if (label && label.textContent.trim()) {
        element.setAttribute("aria-labelledby", labelId(label));
        return;
      }
    }
  };
  const unnamed = ":not([aria-label]):not([aria-labelledby])";
  const name = () => {
    document.querySelectorAll(`.tagit .ui-autocomplete-input${unnamed}`).forEach((input) => {
      nameFrom(input, [
        { holder: "[data-field-wrapper], .w-field__wrapper", label: "label, .w-field__label" },
        { holder: "[data-panel]", label: "[data-panel-heading-text], .w-panel__heading" },
      ]);
    });
    document.querySelectorAll(`[contenteditable=true][role=textbox]${unnamed}`).forEach((area) => {
      nameFrom(area, [
        { holder: "[data-field-wrapper], .w-field__wrapper", label: "label, .w-field__label" },
        { holder: "[data-panel], section", label: "[data-panel-heading-text], .w-panel__heading" },
      ]);
    });
    document.querySelectorAll(`button.w-editing-sessions__session${unnamed}`).forEach((button) => {
      // The tooltip's text, still inside the button or already moved into its tooltip (tippy).
      const popup =
        button.querySelector(".w-editing-sessions__popup") ||
        (button._tippy && button._tippy.props.content);
      const text = popup && popup.textContent && popup.textContent.replace(/\s+/g, " ").trim();
      if (text) button.setAttribute("aria-label", text);
    });
  };
  name();
  new MutationObserver(name).observe(document.body, { childList: true, subtree: true });
})();
