#ifndef DEPLOYOTRON_CEDITLINE_SHIM_H
#define DEPLOYOTRON_CEDITLINE_SHIM_H

#include <stdio.h>
#include <locale.h>
#include <wchar.h>
#include <histedit.h>

// Swift cannot call C variadic functions or touch stdin/stdout/stderr under strict
// concurrency, so every call the REPL needs is wrapped here with a fixed signature.

static inline EditLine *deployotron_el_init(const char *prog) {
    return el_init(prog, stdin, stdout, stderr);
}

static inline int deployotron_el_set_prompt(EditLine *el, char *(*prompt)(EditLine *)) {
    return el_set(el, EL_PROMPT, prompt);
}

static inline int deployotron_el_set_editor(EditLine *el, const char *mode) {
    return el_set(el, EL_EDITOR, mode);
}

static inline int deployotron_el_set_signal(EditLine *el, int flag) {
    return el_set(el, EL_SIGNAL, flag);
}

static inline int deployotron_el_set_history(EditLine *el, History *h) {
    return el_set(el, EL_HIST, history, h);
}

static inline int deployotron_el_set_clientdata(EditLine *el, void *data) {
    return el_set(el, EL_CLIENTDATA, data);
}

static inline void *deployotron_el_get_clientdata(EditLine *el) {
    void *data = NULL;
    el_get(el, EL_CLIENTDATA, &data);
    return data;
}

static inline int deployotron_el_add_function(EditLine *el, const char *name, const char *help,
                                              unsigned char (*fn)(EditLine *, int)) {
    return el_set(el, EL_ADDFN, name, help, fn);
}

static inline int deployotron_el_bind(EditLine *el, const char *key, const char *function) {
    return el_set(el, EL_BIND, key, function, NULL);
}

/// Clears one terminal flag of edit mode, e.g. ("-d", "-isig") so Ctrl-C reaches a key binding
/// instead of raising SIGINT while a line is edited.
static inline int deployotron_el_settty(EditLine *el, const char *mode, const char *flag) {
    return el_set(el, EL_SETTY, mode, flag, NULL);
}

/// The text before the cursor, copied into `buffer` (NUL-terminated); returns its length or -1.
static inline int deployotron_el_text_before_cursor(EditLine *el, char *buffer, int size) {
    const LineInfo *info = el_line(el);
    if (info == NULL || size <= 0) return -1;
    long length = info->cursor - info->buffer;
    if (length < 0 || length >= size) return -1;
    for (long i = 0; i < length; i++) buffer[i] = info->buffer[i];
    buffer[length] = '\0';
    return (int)length;
}

/// Empties the line being edited.
static inline void deployotron_el_clear_line(EditLine *el) {
    const LineInfoW *info = el_wline(el);
    if (info == NULL) return;
    el_cursor(el, (int)(info->lastchar - info->cursor));
    info = el_wline(el);
    el_deletestr(el, (int)(info->lastchar - info->buffer));
}

/// Whether the line being edited is empty.
static inline int deployotron_el_line_is_empty(EditLine *el) {
    const LineInfoW *info = el_wline(el);
    return info == NULL || info->lastchar == info->buffer;
}

/// Makes libedit read UTF-8: the user's locale when it has one, else C.UTF-8.
static inline void deployotron_set_utf8_locale(void) {
    const char *set = setlocale(LC_CTYPE, "");
    if (set == NULL || (set[0] == 'C' && set[1] == '\0') || (set[0] == 'P' && set[1] == 'O')) {
        setlocale(LC_CTYPE, "C.UTF-8");
    }
}

static inline int deployotron_history_set_size(History *h, HistEvent *ev, int size) {
    return history(h, ev, H_SETSIZE, size);
}

static inline int deployotron_history_set_unique(History *h, HistEvent *ev, int unique) {
    return history(h, ev, H_SETUNIQUE, unique);
}

static inline int deployotron_history_enter(History *h, HistEvent *ev, const char *line) {
    return history(h, ev, H_ENTER, line);
}

static inline int deployotron_history_load(History *h, HistEvent *ev, const char *path) {
    return history(h, ev, H_LOAD, path);
}

static inline int deployotron_history_save(History *h, HistEvent *ev, const char *path) {
    return history(h, ev, H_SAVE, path);
}

#endif
