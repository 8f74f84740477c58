/* The web view's page (host/web_page.html), embedded as bytes so the
 * binary serves it with no file beside it. */
    .section .rodata
    .global rm_web_page
    .global rm_web_page_end
    .type rm_web_page, @object
rm_web_page:
    .incbin "host/web_page.html"
rm_web_page_end:
    .byte 0
    .section .note.GNU-stack,"",@progbits
