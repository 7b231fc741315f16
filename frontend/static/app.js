// Progressive enhancement only: every page works without it.
"use strict";

// Live countdown for elements like <time data-countdown="2027-04-01T16:00:00Z">.
function updateCountdowns() {
  const now = Date.now();
  document.querySelectorAll("[data-countdown]").forEach((el) => {
    const left = Math.max(0, Date.parse(el.dataset.countdown) - now);
    const days = Math.floor(left / 86400000);
    const hours = Math.floor((left % 86400000) / 3600000);
    const minutes = Math.floor((left % 3600000) / 60000);
    const zh = document.documentElement.lang === "zh-CN";
    el.textContent = left === 0
      ? (zh ? "已截止" : "closed")
      : zh ? `${days} 天 ${hours} 小时 ${minutes} 分` : `${days} d ${hours} h ${minutes} min`;
  });
}

// Type-to-filter for long <select data-searchable> lists (the university picker).
function enhanceSelects() {
  document.querySelectorAll("select[data-searchable]").forEach((select) => {
    const input = document.createElement("input");
    input.type = "search";
    input.className = "select-filter";
    input.placeholder = document.documentElement.lang === "zh-CN" ? "输入名称筛选" : "Type to filter";
    input.addEventListener("input", () => {
      const q = input.value.trim().toLowerCase();
      select.querySelectorAll("option").forEach((option) => {
        option.hidden = Boolean(q) && option.value !== "" && !option.textContent.toLowerCase().includes(q);
      });
    });
    select.before(input);
  });
}

// Ask before irreversible actions: <form data-confirm="...">.
function confirmForms() {
  document.querySelectorAll("form[data-confirm]").forEach((form) => {
    form.addEventListener("submit", (event) => {
      if (!window.confirm(form.dataset.confirm)) event.preventDefault();
    });
  });
}

// Show only the fields the chosen kind of change needs: <label data-for-ops="op1 op2">.
function followOps() {
  document.querySelectorAll("form select[name=op]").forEach((select) => {
    const fields = select.form.querySelectorAll("[data-for-ops]");
    const update = () => fields.forEach((field) => {
      field.hidden = !field.dataset.forOps.split(" ").includes(select.value);
    });
    select.addEventListener("change", update);
    update();
  });
}

document.addEventListener("DOMContentLoaded", () => {
  updateCountdowns();
  setInterval(updateCountdowns, 30000);
  enhanceSelects();
  confirmForms();
  followOps();
});
