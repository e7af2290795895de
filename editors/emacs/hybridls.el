;;; hybridls.el --- hybridls with eglot  -*- lexical-binding: t; -*-

;; Load this file from your init file, or copy the forms into it.
;; eglot is part of Emacs 29; on older Emacs install it from GNU ELPA.
;; eglot runs one server per buffer: this entry, put first, makes hybridls
;; the server of Python buffers.

(require 'eglot)

(add-to-list 'eglot-server-programs
             '((python-mode python-ts-mode)
               . ("hybridls" "serve"
                  :initializationOptions (:run "onType" :debounceMs 150))))

;; The `hybridls' section, answered to the server's workspace/configuration
;; requests: `[]' is an empty list, `t' true and `:json-false' false.
(setq-default eglot-workspace-configuration
              '(:hybridls (:run "onType"
                           :debounceMs 150
                           :select []
                           :ignore []
                           :severity (:HY201 "warning")
                           :keras t)))

(add-hook 'python-mode-hook #'eglot-ensure)
(add-hook 'python-ts-mode-hook #'eglot-ensure)

(provide 'hybridls)
;;; hybridls.el ends here
