"""Finsupport (tickets) service, base ``/finsupport/1.0.0``: every row of the contract's table.

Handlers live in ``tickets`` (lists, detail, writes), ``threads`` (replies and notes),
``files`` (uploads and content, with ``multipart``), ``reports`` (enums and the report) and
``canned`` (reply titles and messages); role rules are in ``common``, limits and enumerated
values in ``enums``, SQL in ``data`` and the seed in ``seed`` (texts in ``seed_text``).
"""

from __future__ import annotations

from sandbox.finsupport import canned, files, reports, threads, tickets
from sandbox.finsupport.common import BASE
from sandbox.finsupport.data import SCHEMA
from sandbox.finsupport.seed import seed_database
from sandbox.routing import Router

__all__ = ["BASE", "SCHEMA", "register", "seed_database"]

TICKET = BASE + "/ticket/{ticketId}"


def register(router: Router) -> None:
    add = router.add
    # tickets
    add("GET", BASE + "/tickets", tickets.list_tickets)
    add("GET", BASE + "/tickets/customer/{customerId}", tickets.list_by_customer)
    add("GET", BASE + "/tickets/assignee/{assigneeId}", tickets.list_by_assignee)
    add("GET", BASE + "/tickets/follower/{followerId}", tickets.list_by_follower)
    add("POST", BASE + "/ticket", tickets.create_ticket)
    add("POST", BASE + "/ticket/new", tickets.create_new_ticket)
    add("GET", TICKET, tickets.get_ticket)
    add("PUT", TICKET, tickets.update_ticket)
    add("PUT", TICKET + "/escalate", tickets.escalate)
    add("PUT", TICKET + "/admin-status", tickets.admin_status)
    add("PUT", TICKET + "/assignee-status", tickets.assignee_status)
    add("PUT", TICKET + "/admin-close", tickets.admin_close)
    add("PUT", TICKET + "/customer-close", tickets.customer_close)
    add("PUT", TICKET + "/start-date", tickets.start_date)
    add("PUT", TICKET + "/admin-complete", tickets.admin_complete)
    add("POST", TICKET + "/assignee", tickets.add_assignee)
    add("GET", TICKET + "/assignee", tickets.get_assignee)
    add("POST", TICKET + "/follower", tickets.add_follower)
    add("GET", TICKET + "/followers", tickets.get_followers)
    # replies and notes
    add("POST", TICKET + "/admin-reply", threads.admin_reply)
    add("POST", TICKET + "/assignee-reply", threads.assignee_reply)
    add("POST", TICKET + "/customer-reply", threads.customer_reply)
    add("POST", TICKET + "/admin-note", threads.admin_note)
    add("POST", TICKET + "/assignee-note", threads.assignee_note)
    add("GET", TICKET + "/replies", threads.list_replies)
    add("GET", TICKET + "/notes", threads.list_notes)
    add("GET", BASE + "/reply/{replyId}", threads.get_reply)
    add("GET", BASE + "/note/{noteId}", threads.get_note)
    # files
    add("POST", BASE + "/files/upload", files.upload)
    add("POST", BASE + "/files/upload-multiple", files.upload_multiple)
    add("GET", BASE + "/files", files.all_files)
    add("GET", BASE + "/files/mine", files.my_files)
    add("GET", BASE + "/files/aggregate", files.aggregate)
    add("GET", BASE + "/files/{fileId}", files.get_file)
    add("GET", BASE + "/files/{fileId}/content", files.get_content)
    add("GET", BASE + "/files/ticket/{ticketId}", files.files_of_ticket)
    add("GET", BASE + "/files/reply/{replyId}", files.files_of_reply)
    add("GET", BASE + "/files/note/{noteId}", files.files_of_note)
    # enums and report
    add("GET", BASE + "/enums/ticket-status", reports.ticket_statuses)
    add("GET", BASE + "/enums/priority", reports.priorities)
    add("GET", BASE + "/enums/category", reports.categories)
    add("GET", BASE + "/enums/role", reports.roles)
    add("GET", BASE + "/report", reports.report_counts)
    add("POST", BASE + "/report", reports.report_page)
    add("GET", BASE + "/report/sort-fields", reports.sort_fields)
    add("GET", BASE + "/report/sort-order", reports.sort_orders)
    # canned replies
    add("GET", BASE + "/reply-titles", canned.list_titles)
    add("POST", BASE + "/reply-titles", canned.create_title)
    add("GET", BASE + "/reply-titles/{titleId}", canned.get_title)
    add("PUT", BASE + "/reply-titles/{titleId}/status", canned.set_title_status)
    add("GET", BASE + "/reply-messages", canned.list_messages)
    add("POST", BASE + "/reply-messages", canned.create_message)
    add("GET", BASE + "/reply-messages/{messageId}", canned.get_message)
    add("PUT", BASE + "/reply-messages/{messageId}", canned.update_message)
